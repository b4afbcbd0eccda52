# -*- coding: utf-8 -*-
# Copyright: vfioctl developers
# Apache License, Version 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes


class Exit(Exception):
    """A module's exit_json or fail_json, with its result."""

    def __init__(self, result, failed):
        super(Exit, self).__init__(result)
        self.result = result
        self.failed = failed


@pytest.fixture
def run(monkeypatch):
    """run(module, args, fake, check=False, diff=False) -> (result, failed), vfioctl played by fake."""

    def exit_json(self, **result):
        raise Exit(result, False)

    def fail_json(self, **result):
        raise Exit(result, True)

    def run_module(module, args, fake, check=False, diff=False):
        args = dict(args, _ansible_check_mode=check, _ansible_diff=diff, executable='/usr/sbin/vfioctl')
        monkeypatch.setattr(basic, '_ANSIBLE_ARGS', to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args})))
        monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
        monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda self, argv, **kw: fake(argv, **kw))
        with pytest.raises(Exit) as e:
            module.main()
        return e.value.result, e.value.failed

    return run_module
