"""The publication service (一公开): the public record, its receipts and the anonymous API."""
