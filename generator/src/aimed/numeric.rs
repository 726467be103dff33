//! Recipes aimed at the numeric rules and clauses (`3.1-numerics.scalar`,
//! `3.2-numerics.vector`): each operator of the 2.0 profile on operands chosen to hit its
//! clauses.

use super::Recipe;

/// The recipes.
pub static RECIPES: &[Recipe] = &[];
