"""Ultimate pit and nested shells: economic block values, slope precedence, exact maximum
closure and parametric shells on bornite block models and MineLib instances."""

__all__: list[str] = []
