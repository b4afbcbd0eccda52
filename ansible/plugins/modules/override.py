#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vfioctl developers
# Apache License, Version 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: override
short_description: Binds a PCI device to a driver (or VFIO) with vfioctl, or detaches and reattaches it
description:
  - A thin layer over C(vfioctl set-override), C(unset-override), C(detach) and C(reattach).
    vfioctl chooses the driver (C(vfio) is the best-fit VFIO variant driver), checks that the host
    does not use the device, and moves it transactionally; this module only decides whether to call it.
  - Whether anything would move is vfioctl's own C(--dry-run) plan; the saved override is compared
    with C(status --json). A second run reports C(changed=false).
  - Check mode runs the command with C(--dry-run) and changes nothing.
  - Fails with vfioctl's one-line message, for instance when the host uses the device.
  - Never passes C(--force) unless I(force=true).
version_added: "0.1.0"
extends_documentation_fragment:
  - vfioctl.vfioctl.vfioctl
author:
  - vfioctl developers (@vfioctl)
options:
  device:
    description:
      - The PCI address, C(DDDD:BB:DD.F) or C(BUS/DDDD:BB:DD.F). Quote it in YAML, since YAML 1.1 reads
        an unquoted C(0000:19:00.1) as the number 1140.1; the module refuses such a number.
    type: raw
    required: true
  driver:
    description:
      - The driver for I(state=present), or for I(state=detached) (default there, the best-fit VFIO driver).
      - C(vfio) binds the best-fit VFIO driver and saves the word C(vfio), so every boot chooses again.
      - C(none) keeps every driver away from the device.
    type: str
  state:
    description:
      - C(present) sets the override (C(vfioctl set-override)); C(absent) clears it and lets the
        default driver take the device (C(vfioctl unset-override)).
      - C(detached) binds VFIO without saving anything and records the driver it had
        (C(vfioctl detach)); C(reattached) restores that record (C(vfioctl reattach)).
    type: str
    choices: [present, absent, detached, reattached]
    default: present
  persist:
    description:
      - Whether I(state=present) or I(state=absent) also saves (or forgets) the override in
        C(/etc/driverctl.d), so that it holds after a reboot. C(false) passes C(--nosave).
    type: bool
    default: true
  group:
    description: Moves every endpoint of the device's IOMMU group with it, all or nothing (C(--group)).
    type: bool
    default: false
  force:
    description:
      - Takes a device that the host uses (C(--force)), with I(state=present) or I(state=detached).
        Without it such a device fails the task.
    type: bool
    default: false
  noiommu:
    description: Binds VFIO to a device without an IOMMU group (C(--noiommu)), with I(state=present) or I(state=detached).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Runs vfioctl with C(--dry-run); the plan is returned as I(plan).
  diff_mode:
    support: full
    description: Shows the device's driver, override and saved override before and after.
notes:
  - Requires vfioctl on the managed host, and root.
seealso:
  - module: vfioctl.vfioctl.rule
  - module: vfioctl.vfioctl.info
'''

EXAMPLES = r'''
- name: Bind the NIC to its best-fit VFIO driver, at every boot too
  vfioctl.vfioctl.override:
    device: '0000:19:00.1'
    driver: vfio

- name: Give it back to its host driver and forget the saved override
  vfioctl.vfioctl.override:
    device: '0000:19:00.1'
    state: absent

- name: Detach a GPU with its audio function for a guest, saving nothing
  vfioctl.vfioctl.override:
    device: '0000:01:00.0'
    state: detached
    group: true
'''

RETURN = r'''
device:
  description: The device, as given.
  returned: always
  type: str
  sample: '0000:19:00.1'
before:
  description: The device before the task, from C(vfioctl status --json).
  returned: always
  type: dict
  sample: {driver: e1000e, override: null, persisted: null, detached_from: null, vfio_bound: false}
after:
  description: The device after the task; in check mode, as vfioctl's plan predicts it.
  returned: always
  type: dict
  sample: {driver: vfio-pci, override: vfio-pci, persisted: vfio, detached_from: null, vfio_bound: true}
plan:
  description: The lines of vfioctl's C(--dry-run) plan (modprobe, sysfs writes, saved files).
  returned: always
  type: list
  elements: str
  sample: ['write /sys/bus/pci/devices/0000:19:00.1/driver_override vfio-pci']
command:
  description: The vfioctl command that the task ran, or would run in check mode; empty when nothing was to change.
  returned: always
  type: list
  elements: str
  sample: [vfioctl, set-override, '0000:19:00.1', vfio]
'''

import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.vfioctl.vfioctl.plugins.module_utils.vfioctl import COMMON_ARGS, Vfioctl, as_address

FIELDS = ('driver', 'override', 'persisted', 'detached_from', 'vfio_bound')
SAVED = re.compile(r'^(write|remove) /etc/driverctl\.d/')
OVERRIDE = re.compile(r'^write /sys/bus/[^/]+/devices/([^/]+)/driver_override (.*)$')


def command(params, device):
    state = params['state']
    if state == 'present':
        args = ['set-override', device, params['driver']]
    elif state == 'absent':
        args = ['unset-override', device]
    elif state == 'detached':
        args = ['detach', device] + (['--driver', params['driver']] if params['driver'] else [])
    else:
        args = ['reattach', device]
    if not params['persist'] and state in ('present', 'absent'):
        args.append('--nosave')
    for flag in ('group', 'force', 'noiommu'):
        if params[flag]:
            args.append('--' + flag)
    return args


def summary(status):
    return dict((k, status.get(k)) for k in FIELDS)


def predicted(before, plan, device, params):
    """The device's state after the plan, as far as the plan tells it (check mode)."""
    after = dict(before)
    name = device.split('/')[-1]
    for line in plan:
        m = OVERRIDE.match(line)
        if m and m.group(1) == name:
            value = '' if m.group(2) == '""' else m.group(2)
            after['override'] = value or None
            if value and value != 'none':
                after['driver'] = value
            after['vfio_bound'] = 'vfio' in value
    if params['state'] in ('present', 'absent') and params['persist']:
        after['persisted'] = wanted_saved(params)
    if params['state'] == 'detached' and before.get('detached_from') is None and plan:
        after['detached_from'] = dict(driver=before.get('driver'), override=before.get('override'))
    if params['state'] == 'reattached':
        after['detached_from'] = None
    return after


def wanted_saved(params):
    return params['driver'] if params['state'] == 'present' else None


def text(state):
    return ''.join('%s: %s\n' % (k, state.get(k)) for k in FIELDS)


def main():
    argument_spec = dict(
        device=dict(type='raw', required=True),
        driver=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent', 'detached', 'reattached']),
        persist=dict(type='bool', default=True),
        group=dict(type='bool', default=False),
        force=dict(type='bool', default=False),
        noiommu=dict(type='bool', default=False),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_if=[('state', 'present', ['driver'])])
    params = module.params
    if params['state'] in ('absent', 'reattached') and (params['force'] or params['noiommu']):
        module.fail_json(msg='force and noiommu go with state present or detached')
    if params['state'] in ('absent', 'reattached') and params['driver']:
        module.fail_json(msg='driver goes with state present or detached')
    device = as_address(module, params['device'], 'device')
    vfioctl = Vfioctl(module)

    before = summary(vfioctl.status(device))
    args = command(params, device)
    plan = vfioctl.run(['--dry-run'] + args)[1].splitlines()
    moves = [line for line in plan if not SAVED.match(line)]
    saves = params['persist'] and params['state'] in ('present', 'absent') \
        and before.get('persisted') != wanted_saved(params)
    changed = bool(moves) or saves
    if changed and not module.check_mode:
        vfioctl.run(args)
        after = summary(vfioctl.status(device))
    else:
        after = predicted(before, plan, device, params) if changed else before

    for warning in vfioctl.warnings:
        module.warn(warning)
    result = dict(changed=changed, device=device, before=before, after=after, plan=plan,
                  command=[vfioctl.binary] + vfioctl.globals + args if changed else [])
    if module._diff:
        result['diff'] = dict(before_header=device, after_header=device, before=text(before), after=text(after))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
