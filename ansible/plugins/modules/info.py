#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vfioctl developers
# Apache License, Version 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: info
short_description: Returns vfioctl's status of PCI devices as facts
description:
  - Runs C(vfioctl status --json) and returns its devices, as I(devices) and as the fact
    C(vfioctl_devices); with I(rules=true) also C(vfioctl rules check --json) as C(vfioctl_rules).
  - Without I(devices), the devices bound to VFIO, detached or overridden; with I(all=true), every device.
  - Changes nothing.
version_added: "0.1.0"
extends_documentation_fragment:
  - vfioctl.vfioctl.vfioctl
author:
  - vfioctl developers (@vfioctl)
options:
  devices:
    description:
      - The PCI addresses to report. Quote them in YAML (an unquoted C(0000:19:00.1) is the number 1140.1,
        which the module refuses).
    type: list
    elements: raw
  all:
    description: Every device, not only those bound to VFIO, detached or overridden. Not with I(devices).
    type: bool
    default: false
  rules:
    description: Also returns C(vfioctl rules check --json) (what each device gets from the binding rules).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Runs as usual; it only reads.
  diff_mode:
    support: none
    description: Nothing changes, so there is no difference to show.
  facts:
    support: full
    description: Sets C(vfioctl_devices), and C(vfioctl_rules) with I(rules=true).
seealso:
  - module: vfioctl.vfioctl.override
  - module: vfioctl.vfioctl.rule
'''

EXAMPLES = r'''
- name: What VFIO holds on this host
  vfioctl.vfioctl.info:

- name: One NIC, then act on what it says
  vfioctl.vfioctl.info:
    devices: ['0000:19:00.1']
- ansible.builtin.debug:
    msg: "{{ vfioctl_devices[0].driver }} {{ vfioctl_devices[0].in_use }}"
'''

RETURN = r'''
devices:
  description:
    - The C(devices) of C(vfioctl status --json), each with C(address), C(vendor), C(device), C(class),
      C(driver), C(vfio_bound), C(override), C(persisted), C(detached_from), C(iommu_group),
      C(group_members), C(group_viable), C(in_use), C(physfn), C(virtfns), C(sriov_drivers_autoprobe) and C(rule).
  returned: always
  type: list
  elements: dict
rules:
  description: C(vfioctl rules check --json), with C(devices), C(unmatched) and C(errors).
  returned: when rules
  type: dict
ansible_facts:
  description: The same, as facts.
  returned: always
  type: dict
  contains:
    vfioctl_devices:
      description: As I(devices).
      type: list
      elements: dict
    vfioctl_rules:
      description: As I(rules).
      type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.vfioctl.vfioctl.plugins.module_utils.vfioctl import COMMON_ARGS, Vfioctl, as_address


def main():
    argument_spec = dict(
        devices=dict(type='list', elements='raw'),
        all=dict(type='bool', default=False),
        rules=dict(type='bool', default=False),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           mutually_exclusive=[('devices', 'all')])
    params = module.params
    names = [as_address(module, d, 'devices[%d]' % i) for i, d in enumerate(params['devices'] or [])]
    vfioctl = Vfioctl(module)
    devices = vfioctl.json(['status'] + names + (['--all'] if params['all'] else []))['devices']
    result = dict(devices=devices, ansible_facts=dict(vfioctl_devices=devices))
    if params['rules']:
        result['rules'] = result['ansible_facts']['vfioctl_rules'] = vfioctl.json(['rules', 'check'])
    for warning in vfioctl.warnings:
        module.warn(warning)
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()
