"""A timing worker extension, app-level and function-level (spec P3)."""
import time

from azure.functions import AppExtensionBase, FuncExtensionBase

# [hook, invocation id or function name], in call order, for the `events` function.
EVENTS = []


class TimingAppExtension(AppExtensionBase):
    """App-level: runs around every function of the app."""

    @classmethod
    def init(cls):
        EVENTS.append(["app-init", ""])

    @classmethod
    def configure(cls, *args, **kwargs):
        EVENTS.append(["app-configure", ""])

    @classmethod
    def post_function_load_app_level(cls, function_name, function_directory, *args, **kwargs):
        EVENTS.append(["app-post-load", function_name])

    @classmethod
    def pre_invocation_app_level(cls, logger, context, func_args=None, *args, **kwargs):
        context.app_timer = time.perf_counter()
        EVENTS.append(["app-pre", context.invocation_id])

    @classmethod
    def post_invocation_app_level(cls, logger, context, func_args=None, func_ret=None,
                                  *args, **kwargs):
        EVENTS.append(["app-post", context.invocation_id])
        if hasattr(func_ret, "headers"):
            func_ret.headers["X-App-Post"] = "1"


class TimingFuncExtension(FuncExtensionBase):
    """Function-level: instantiated in the function's script with its __file__."""

    def __init__(self, file_path):
        super().__init__(file_path)

    def post_function_load(self, function_name, function_directory, *args, **kwargs):
        EVENTS.append(["func-post-load", function_name])

    def pre_invocation(self, logger, context, func_args=None, *args, **kwargs):
        context.func_timer = time.perf_counter()
        EVENTS.append(["func-pre", context.invocation_id])

    def post_invocation(self, logger, context, func_args=None, func_ret=None, *args, **kwargs):
        EVENTS.append(["func-post", context.invocation_id])
        if hasattr(func_ret, "headers"):
            func_ret.headers["X-Func-Post"] = "%.6f" % (time.perf_counter() - context.func_timer)


class FailingFuncExtension(FuncExtensionBase):
    """Function-level extension whose pre_invocation raises (the error is logged only)."""

    def __init__(self, file_path):  # abstract in FuncExtensionBase, as in the public package
        super().__init__(file_path)

    def pre_invocation(self, logger, context, func_args=None, *args, **kwargs):
        EVENTS.append(["failing-pre", context.invocation_id])
        raise RuntimeError("pyfn-hook-failure-marker")
