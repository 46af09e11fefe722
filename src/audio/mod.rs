#[derive(Debug, thiserror::Error)]
#[error("placeholder")]
pub struct AudioError;
