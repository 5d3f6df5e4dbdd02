VALUE = "hi"


def say():
    return "example says " + VALUE
