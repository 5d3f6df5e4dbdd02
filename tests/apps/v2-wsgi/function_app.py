"""v2-wsgi: a Flask app served by WsgiFunctionApp (one function `http_app_func`, route "/{*route}",
every method; default routePrefix, so the Flask routes start with /api). Needs flask importable
(.python_packages). Answers:
- GET /api/hello/Ada -> 200 "Hello, Ada." (text/html; charset=utf-8)
- POST /api/echo with a body -> 200 the same bytes, content type of the request
- POST /api/json with {"n": 21} -> 201 JSON {"doubled": 42}
- GET /api/form: POST urlencoded a=1&b=2 -> 200 JSON {"a": "1", "b": "2"}
- GET /api/headers with header X-Test: yes -> 200 JSON {"x-test": "yes", "path": "/api/headers"}
- GET /api/cookies -> 200 "two cookies" with two Set-Cookie headers: a=1, b=2
- GET /api/nope -> 404 (Flask's own 404 page)
"""
import azure.functions as func
from flask import Flask, Response, jsonify, request

flask_app = Flask(__name__)


@flask_app.route("/api/hello/<name>")
def hello(name):
    return f"Hello, {name}."


@flask_app.route("/api/echo", methods=["POST"])
def echo():
    return Response(request.get_data(),
                    content_type=request.content_type or
                    "application/octet-stream")


@flask_app.route("/api/json", methods=["POST"])
def doubled():
    return jsonify(doubled=request.get_json()["n"] * 2), 201


@flask_app.route("/api/form", methods=["POST"])
def form():
    return jsonify(request.form.to_dict())


@flask_app.route("/api/headers")
def headers():
    return jsonify({"x-test": request.headers.get("X-Test"),
                    "path": request.path})


@flask_app.route("/api/cookies")
def cookies():
    response = Response("two cookies")
    response.set_cookie("a", "1")
    response.set_cookie("b", "2")
    return response


app = func.WsgiFunctionApp(app=flask_app.wsgi_app,
                           http_auth_level=func.AuthLevel.ANONYMOUS)
