//! Recipes aimed at the control rules.

use super::Recipe;

/// The recipes.
pub(crate) static RECIPES: &[Recipe] = &[];
