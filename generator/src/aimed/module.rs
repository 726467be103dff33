//! Recipes aimed at the module rules.

use super::Recipe;

/// The recipes.
pub(crate) static RECIPES: &[Recipe] = &[];
