"""Provider registry, wire dialects, upstream selection and fallback."""
