//! Recipes aimed at the memory rules.

use super::Recipe;

/// The recipes.
pub(crate) static RECIPES: &[Recipe] = &[];
