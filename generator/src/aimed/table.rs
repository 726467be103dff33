//! Recipes aimed at the table rules.

use super::Recipe;

/// The recipes.
pub(crate) static RECIPES: &[Recipe] = &[];
