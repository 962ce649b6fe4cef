//! A page request of a signed-in user: the application and who asks.

use crate::AppState;
use crate::auth::UiUser;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;

/// What a page's handler takes from a signed-in user's request: the application (`s`)
/// and the user. Without a session, the answer `UiUser` gives (to the login page).
pub struct Signed {
    pub s: AppState,
    pub user: UiUser,
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = UiUser::from_request_parts(parts, state).await?;
        Ok(Signed {
            s: state.clone(),
            user,
        })
    }
}
