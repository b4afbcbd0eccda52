# -*- coding: utf-8 -*-
# Copyright: vfioctl developers
# Apache License, Version 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""What every vfioctl module shares: running vfioctl, reading its JSON, its one-line errors,
and refusing the numbers YAML makes of unquoted PCI addresses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

# The options every module takes, merged into each argument_spec.
COMMON_ARGS = dict(
    root=dict(type='path'),
    bus=dict(type='str'),
    executable=dict(type='path'),
)


def as_address(module, value, option):
    """The device as vfioctl reads it, or a failure naming the fix when YAML made it a number.

    YAML 1.1 reads an unquoted 0000:19:00.1 as the base-60 number 1140.1 (and 0000:19:00 as an
    integer); nothing of the address is left to act on, so the module refuses it.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value if isinstance(value, str) else str(value)
    guess = sexagesimal(value)
    hint = " (it was probably %s)" % guess if guess else ""
    module.fail_json(msg="%s is the number %s: YAML reads an unquoted PCI address as a base-60 number%s; "
                         "quote the address, as in %s: '%s'"
                         % (option, value, hint, option, guess or '0000:19:00.1'))
    return None


def sexagesimal(value):
    """The DDDD:BB:DD.F that YAML 1.1 read as value, when it can be told back; else None."""
    if value < 0:
        return None
    whole = int(value)
    fraction = round((value - whole) * 10, 6)
    if isinstance(value, int) or fraction != int(fraction):
        return None
    return "%04d:%02d:%02d.%d" % (whole // 3600, whole // 60 % 60, whole % 60, int(fraction))


class Vfioctl(object):
    """Runs vfioctl for a module, with the module's --root and --bus."""

    def __init__(self, module):
        self.module = module
        params = module.params
        self.binary = params.get('executable') or module.get_bin_path('vfioctl', required=True)
        self.globals = []
        if params.get('root'):
            self.globals += ['--root', params['root']]
        if params.get('bus'):
            self.globals += ['--bus', params['bus']]
        self.warnings = []

    def run(self, args, fail=True):
        """(rc, stdout, stderr) of vfioctl ARGS; on an exit other than 0, fails with its message."""
        rc, out, err = self.module.run_command([self.binary] + self.globals + list(args),
                                               environ_update=dict(LC_ALL='C'))
        message = self.collect(err)
        if rc != 0 and fail:
            self.fail(rc, message, err)
        return rc, out, err

    def collect(self, err):
        """Keeps vfioctl's warnings for the result; returns its last line (the error, on a failure)."""
        lines = [line for line in err.splitlines() if line.strip()]
        for line in lines[:-1]:
            if line not in self.warnings:
                self.warnings.append(line)
        return lines[-1] if lines else ''

    def fail(self, rc, message, err, **extra):
        """Fails the task with vfioctl's own one-line message."""
        self.module.fail_json(msg=message or 'vfioctl exited %d without a message' % rc, rc=rc,
                              stderr=err, vfioctl_warnings=self.warnings, **extra)

    def json(self, args):
        """vfioctl ARGS --json, parsed."""
        out = self.run(list(args) + ['--json'])[1]
        try:
            return json.loads(out)
        except ValueError:
            self.module.fail_json(msg='vfioctl %s --json printed no JSON document: %s'
                                      % (' '.join(args), out[:200]))
        return None

    def status(self, device):
        """status --json of one device, as the modules report it."""
        return self.json(['status', device])['devices'][0]
