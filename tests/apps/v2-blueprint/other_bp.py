"""A blueprint in a plain module, registered with register_blueprint."""
import azure.functions as func

other = func.Blueprint()


@other.function_name("OtherBp")
@other.route(route="other")
def other_function(req: func.HttpRequest) -> str:
    return "from other_bp"
