//! The extractors of both surfaces are axum's own, with their rejections answered in Dutch
//! as the surface's error: `extractor!` declares one.

/// Declares the extractor `$name<T>`: what axum's `$inner<T>` extracts (from the request's
/// parts, or from the whole request for a body), with a rejection `$e` answered by
/// `$reject`, an error of type `$error`.
macro_rules! extractor {
    ($(#[$doc:meta])* $name:ident: $inner:ident from parts, |$e:pat_param| -> $error:ty { $reject:expr }) => {
        $(#[$doc])*
        pub struct $name<T>(pub T);

        impl<T, S> axum::extract::FromRequestParts<S> for $name<T>
        where
            T: serde::de::DeserializeOwned + Send,
            S: Send + Sync,
        {
            type Rejection = $error;

            async fn from_request_parts(
                parts: &mut axum::http::request::Parts,
                state: &S,
            ) -> Result<Self, Self::Rejection> {
                match <$inner<T> as axum::extract::FromRequestParts<S>>::from_request_parts(parts, state).await {
                    Ok($inner(v)) => Ok($name(v)),
                    Err($e) => Err($reject),
                }
            }
        }
    };
    ($(#[$doc:meta])* $name:ident: $inner:ident from request, |$e:pat_param| -> $error:ty { $reject:expr }) => {
        $(#[$doc])*
        pub struct $name<T>(pub T);

        impl<T, S> axum::extract::FromRequest<S> for $name<T>
        where
            T: serde::de::DeserializeOwned,
            S: Send + Sync,
        {
            type Rejection = $error;

            async fn from_request(
                req: axum::extract::Request,
                state: &S,
            ) -> Result<Self, Self::Rejection> {
                match <$inner<T> as axum::extract::FromRequest<S>>::from_request(req, state).await {
                    Ok($inner(v)) => Ok($name(v)),
                    Err($e) => Err($reject),
                }
            }
        }
    };
}

pub(crate) use extractor;
