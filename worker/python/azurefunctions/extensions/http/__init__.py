# A namespace shared with the public azurefunctions-extensions-* packages an
# app may install: their modules are found beside pyfn's.
__path__ = __import__('pkgutil').extend_path(__path__, __name__)
