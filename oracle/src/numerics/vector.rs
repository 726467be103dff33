//! Vector numerics (3.2-numerics.vector.spectec).
