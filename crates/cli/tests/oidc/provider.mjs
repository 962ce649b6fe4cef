// A real OpenID Connect provider for the SSO tests: the npm package `oidc-provider` with
// its development login and consent forms, on plain HTTP on loopback.
//
//   node provider.mjs SETTINGS.json
//
// SETTINGS.json holds {"client_id", "client_secret", "redirect_uri", "accounts": {LOGIN:
// {claims}}}. The accounts are read again on every sign-in, so a test can change someone's
// groups between two logins by rewriting the file. Any password is accepted for a login
// that is listed. The provider listens on a free port and prints {"issuer": URL} as its
// first line of output.

import { readFileSync } from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const path = process.argv[2];
const settings = () => JSON.parse(readFileSync(path, 'utf8'));
const { client_id, client_secret, redirect_uri } = settings();

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id,
      client_secret,
      redirect_uris: [redirect_uri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    // PKCE for every client, not only public ones.
    pkce: { required: () => true, methods: ['S256'] },
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username', 'groups', 'municipality'],
    },
    async findAccount(ctx, id) {
      const claims = settings().accounts[id];
      if (!claims) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
    },
    cookies: { keys: ['nazorg-test-only-cookie-key'] },
    features: { devInteractions: { enabled: true } },
  });
  // An unknown login gets no account: the dev form would otherwise accept anyone.
  provider.on('server_error', (ctx, err) => console.error('provider error:', err));
  server.on('request', provider.callback());
  console.log(JSON.stringify({ issuer }));
});
