"""Chart builders: pure functions from tidy DataFrames to altair charts."""

__all__: list[str] = []
