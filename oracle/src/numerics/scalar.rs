//! Scalar numerics (3.1-numerics.scalar.spectec).
