# -*- coding: utf-8 -*-
# Copyright: vfioctl developers
# Apache License, Version 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""A stand-in for vfioctl's command line: the outputs of vfioctl's --json and --dry-run for a
few devices, kept in memory, so the modules' tests see what the real command prints."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os


def device(address, driver, override=None, persisted=None, in_use=None):
    d = dict(address=address, vendor='0x8086', device='0x100e')
    d['class'] = '0x020000'
    d.update(driver=driver, vfio_bound='vfio' in (driver or ''), override=override, persisted=persisted,
             detached_from=None, iommu_group=0, group_members=[], group_viable=False, in_use=in_use or [],
             physfn=None, virtfns=[], sriov_drivers_autoprobe=None, rule=None)
    return d


class FakeVfioctl(object):
    """Answers run_command calls as vfioctl would; records each call."""

    BEST = 'vfio-pci'

    def __init__(self, *devices):
        self.devices = dict((d['address'], d) for d in devices)
        self.calls = []
        self.rule_rows = {}  # device -> rules check row
        self.rule_errors = {}  # text that vfioctl refuses -> its message

    def changes(self):
        """The calls that would change the host: no --dry-run, not a read."""
        reads = ('status', 'list', 'check')
        return [c for c in self.calls if '--dry-run' not in c and not any(r in c for r in reads)]

    def __call__(self, args, **kwargs):
        args = list(args)
        self.calls.append(args[1:])
        words = [a for a in args[1:] if not a.startswith('--')]
        if '--root' in args:
            words.remove(args[args.index('--root') + 1])
        dry = '--dry-run' in args
        try:
            return getattr(self, words[0].replace('-', '_'))(words[1:], args, dry)
        except KeyError as e:
            return 1, '', 'vfioctl: no such device: %s\n' % e.args[0]

    def status(self, words, args, dry):
        chosen = [self.devices[w] for w in words] if words else list(self.devices.values())
        return 0, json.dumps(dict(devices=chosen)), ''

    def refuse(self, d):
        if d['in_use']:
            return 1, '', 'vfioctl: %s %s; stop using it or give --force\n' % (d['address'], d['in_use'][0])
        return None

    def set_override(self, words, args, dry):
        d, word = self.devices[words[0]], words[1]
        driver = self.BEST if word == 'vfio' else word
        plan = []
        if d['driver'] != driver or d['override'] != driver:
            refused = '--force' not in args and self.refuse(d)
            if refused:
                return refused
            plan = ['write /sys/bus/pci/devices/%s/driver_override %s' % (d['address'], driver),
                    'write /sys/bus/pci/drivers_probe %s' % d['address']]
        if '--nosave' not in args:
            plan.append('write /etc/driverctl.d/pci-%s %s' % (d['address'], word))
        if dry:
            return 0, ''.join(line + '\n' for line in plan), ''
        d.update(driver=driver, override=driver, vfio_bound='vfio' in driver)
        if '--nosave' not in args:
            d['persisted'] = word
        return 0, '', ''

    def unset_override(self, words, args, dry):
        d = self.devices[words[0]]
        plan = []
        if d['override']:
            plan = ['write /sys/bus/pci/devices/%s/driver_override ""' % d['address']]
        if '--nosave' not in args:
            plan.append('remove /etc/driverctl.d/pci-%s' % d['address'])
        if dry:
            return 0, ''.join(line + '\n' for line in plan), ''
        d.update(driver='e1000', override=None, vfio_bound=False)
        if '--nosave' not in args:
            d['persisted'] = None
        return 0, '', ''

    def rules(self, words, args, dry):
        action = words[0]
        if action == 'list':
            root = args[args.index('--root') + 1]
            for top, dirs, files in os.walk(root):
                for f in files:
                    with open(os.path.join(top, f)) as text:
                        for bad, message in self.rule_errors.items():
                            if bad in text.read():
                                return 1, '', 'vfioctl: /etc/vfioctl/bind.d/%s:%s\n' % (f, message)
            return 0, '', ''
        if action == 'check':
            rows = [dict(device=d, **row) for d, row in sorted(self.rule_rows.items())]
            return 0, json.dumps(dict(devices=rows, unmatched=[], errors=[])), ''
        pending = [d for d, row in self.rule_rows.items() if row['action'] != 'nothing' and not row['inEffect']]
        if not dry:
            for d in pending:
                self.rule_rows[d]['inEffect'] = True
        return 0, 'rules apply: %d bound, 0 returned, %d already in effect, 0 failed\n' % (
            len(pending), len(self.rule_rows) - len(pending)), ''


def rule_row(action='bind', in_effect=False, owner=None):
    return dict(rule='/etc/vfioctl/bind.d/50-nics.conf', line=1, owner=owner, takenWith=None, action=action,
                driver='vfio-pci', inEffect=in_effect, refused=False, problems=[])
