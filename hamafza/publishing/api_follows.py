def register(router) -> None:
    pass
