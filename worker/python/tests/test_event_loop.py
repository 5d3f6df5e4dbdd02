"""pytest for pyfn_worker.event_loop: which loop PYFN_EVENT_LOOP selects. That an
async function really runs on uvloop is tests/concurrency.bats (Debian's uvloop in
the app's packages); here the choice, its warnings and the fall-backs."""

import logging
import sys
import types

import pytest

from pyfn_worker import event_loop


@pytest.fixture
def no_uvloop(monkeypatch):
    monkeypatch.setitem(sys.modules, 'uvloop', None)  # import raises ImportError


@pytest.fixture
def some_uvloop(monkeypatch):
    module = types.ModuleType('uvloop')
    module.__version__ = '9.9'
    module.new_event_loop = lambda: 'a uvloop loop'
    monkeypatch.setitem(sys.modules, 'uvloop', module)
    return module


@pytest.mark.parametrize('value', [None, '', 'asyncio', ' AsyncIO '])
def test_asyncio_by_default_and_by_name(monkeypatch, some_uvloop, caplog, value):
    if value is None:
        monkeypatch.delenv(event_loop.SETTING, raising=False)
    else:
        monkeypatch.setenv(event_loop.SETTING, value)
    assert event_loop.loop_factory() is None
    assert caplog.records == []


@pytest.mark.parametrize('value', ['uvloop', 'auto', 'UVLOOP'])
def test_uvloop_when_importable(monkeypatch, some_uvloop, caplog, value):
    monkeypatch.setenv(event_loop.SETTING, value)
    caplog.set_level(logging.INFO, logger='pyfn_worker')
    assert event_loop.loop_factory() is some_uvloop.new_event_loop
    assert 'async functions run on uvloop 9.9' in caplog.text


def test_uvloop_missing_warns_and_falls_back(monkeypatch, no_uvloop, caplog):
    monkeypatch.setenv(event_loop.SETTING, 'uvloop')
    assert event_loop.loop_factory() is None
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "add uvloop to the app's requirements" in caplog.text


def test_auto_without_uvloop_is_silent(monkeypatch, no_uvloop, caplog):
    monkeypatch.setenv(event_loop.SETTING, 'auto')
    assert event_loop.loop_factory() is None
    assert caplog.records == []


def test_unknown_value_warns(monkeypatch, some_uvloop, caplog):
    monkeypatch.setenv(event_loop.SETTING, 'trio')
    assert event_loop.loop_factory() is None
    assert "PYFN_EVENT_LOOP='trio' is not one of asyncio, uvloop, auto" in caplog.text
