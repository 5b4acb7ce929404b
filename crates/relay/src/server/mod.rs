//! The relay's HTTP surface. (to be written)
