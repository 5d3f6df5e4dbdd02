def greet(who):
    return "common tools greet " + who
