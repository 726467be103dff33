//! reducer
