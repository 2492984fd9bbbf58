"""The reports app's pages, one module per subject: actas, documents (PDF)."""
