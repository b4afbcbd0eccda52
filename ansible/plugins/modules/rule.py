#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: vfioctl developers
# Apache License, Version 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: rule
short_description: Manages a vfioctl binding rule file and applies the rules
description:
  - Writes or removes one rule file of C(/etc/vfioctl/bind.d) (see vfioctl.bind(5)), from its text
    or from I(match) and I(bind), and with I(apply=true) runs C(vfioctl rules apply), which binds
    what the rules select and returns what they took earlier and no longer select.
  - The text is checked by vfioctl itself (C(vfioctl rules list) on a scratch root) before the file
    is written, so a bad rule fails the task with vfioctl's C(FILE:LINE) message and changes nothing.
  - The devices that changed come from C(vfioctl rules check --json) before and after.
  - Check mode writes nothing and runs C(rules apply --dry-run).
  - Never forces. A device the host uses fails the task with vfioctl's message, unless the rule
    itself says C(Force=yes).
version_added: "0.1.0"
extends_documentation_fragment:
  - vfioctl.vfioctl.vfioctl
author:
  - vfioctl developers (@vfioctl)
options:
  name:
    description: The rule file's name, with or without C(.conf). Files are read in lexical order; the first match decides.
    type: str
    required: true
  state:
    description: Whether the file exists.
    type: str
    choices: [present, absent]
    default: present
  content:
    description: The file's whole text. Mutually exclusive with I(match) and I(bind).
    type: str
  match:
    description:
      - The C([Match]) keys (C(Vendor), C(Device), C(Class), C(Address), C(PhysicalInterface), ...).
        A list is written as a space-separated value.
      - Quote IDs and addresses; YAML reads an unquoted C(0x10de) or C(0000:19:00.1) as a number,
        and the module refuses numbers.
    type: dict
  bind:
    description: The C([Bind]) keys (C(Driver), C(Group), C(Force)); booleans are written C(yes) or C(no).
    type: dict
  directory:
    description: The directory of the rule file, below I(root).
    type: path
    default: /etc/vfioctl/bind.d
  apply:
    description: Runs C(vfioctl rules apply) afterwards (also when the file did not change but a device is not as the rules say).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: Writes nothing; with I(apply=true) runs C(rules apply --dry-run) on the files as they are.
  diff_mode:
    support: full
    description: Shows the rule file's text before and after.
notes:
  - In check mode, the devices a new or changed file would move cannot be listed, since vfioctl reads
    rules only from its rule directories; I(devices) is then C(null).
seealso:
  - module: vfioctl.vfioctl.override
  - module: vfioctl.vfioctl.info
'''

EXAMPLES = r'''
- name: Every GPU of one model and its audio function, to the best-fit VFIO driver
  vfioctl.vfioctl.rule:
    name: 50-gpus
    match:
      Vendor: '10de'
      Device: ['2204', '1aef']
      Class: [display, multimedia]
    bind:
      Driver: vfio
      Group: true
    apply: true

- name: The same, as text
  vfioctl.vfioctl.rule:
    name: 50-gpus
    content: |
      [Match]
      Vendor=10de
      Device=2204 1aef
      [Bind]
      Driver=vfio
    apply: true

- name: Remove it; apply returns the devices it took
  vfioctl.vfioctl.rule:
    name: 50-gpus
    state: absent
    apply: true
'''

RETURN = r'''
path:
  description: The rule file, as the host sees it (below I(root) when given).
  returned: always
  type: str
  sample: /etc/vfioctl/bind.d/50-gpus.conf
content:
  description: The text the file has after the task (null when absent).
  returned: always
  type: str
devices:
  description:
    - With I(apply=true), the devices the rules moved (bound or returned), from C(rules check --json)
      before and after; in check mode, those C(rules check) finds not in effect.
    - null in check mode when the file itself would change (see the notes).
  returned: when apply
  type: list
  elements: str
  sample: ['0000:01:00.0', '0000:01:00.1']
summary:
  description: The summary line of C(vfioctl rules apply).
  returned: when apply
  type: str
  sample: 'rules apply: 2 bound, 0 returned, 0 already in effect, 0 failed'
'''

import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.vfioctl.vfioctl.plugins.module_utils.vfioctl import COMMON_ARGS, Vfioctl, sexagesimal


def render(module, match, bind):
    """The rule file's text from the match and bind options."""
    lines = []
    for section, keys in (('Match', match or {}), ('Bind', bind or {})):
        lines.append('[%s]' % section)
        for key, value in keys.items():
            values = value if isinstance(value, list) else [value]
            lines.append('%s=%s' % (key, ' '.join(word(module, section, key, v) for v in values)))
    return '\n'.join(lines) + '\n'


def word(module, section, key, value):
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if isinstance(value, (int, float)):
        guess = sexagesimal(value) if isinstance(value, float) else None
        module.fail_json(msg="%s.%s is the number %s: YAML reads unquoted IDs and addresses as numbers "
                             "(0x10de, 0000:19:00.1%s); quote it, as in %s: '%s'"
                             % (section.lower(), key, value, ' here probably ' + guess if guess else '', key,
                                guess or value))
    return str(value)


def read(path):
    try:
        with open(path, 'r') as f:
            return f.read()
    except IOError:
        return None


def validate(vfioctl, module, directory, filename, text):
    """vfioctl's own verdict on the text: rules list on a scratch root that holds the file alone."""
    scratch = tempfile.mkdtemp(prefix='vfioctl-rule-')
    try:
        rules = os.path.join(scratch, directory.lstrip('/'))
        os.makedirs(rules)
        with open(os.path.join(rules, filename), 'w') as f:
            f.write(text)
        args = [vfioctl.binary, '--root', scratch, 'rules', 'list']
        rc, out, err = module.run_command(args, environ_update=dict(LC_ALL='C'))
        if rc != 0:
            vfioctl.fail(rc, vfioctl.collect(err), err)
    finally:
        shutil.rmtree(scratch)


def check(vfioctl):
    """rules check --json: device -> its row."""
    return dict((row['device'], row) for row in vfioctl.json(['rules', 'check'])['devices'])


def pending(rows):
    return sorted(d for d, row in rows.items() if row['action'] != 'nothing' and not row['inEffect'])


def write(module, path, text):
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        os.makedirs(directory, 0o755)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix='.vfioctl-rule-')
    with os.fdopen(fd, 'w') as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    module.atomic_move(tmp, path)


def main():
    argument_spec = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        content=dict(type='str'),
        match=dict(type='dict'),
        bind=dict(type='dict'),
        directory=dict(type='path', default='/etc/vfioctl/bind.d'),
        apply=dict(type='bool', default=False),
    )
    argument_spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           mutually_exclusive=[('content', 'match'), ('content', 'bind')],
                           required_if=[('state', 'present', ('content', 'match'), True)])
    params = module.params
    filename = params['name'] if params['name'].endswith('.conf') else params['name'] + '.conf'
    if '/' in filename or filename.startswith('.'):
        module.fail_json(msg="name %s must be a plain file name, as 50-gpus" % params['name'])
    vfioctl = Vfioctl(module)
    shown = os.path.join(params['directory'], filename)
    path = os.path.join(params['root'] or '/', shown.lstrip('/'))

    old = read(path)
    new = None
    if params['state'] == 'present':
        new = params['content'] if params['content'] is not None else render(module, params['match'], params['bind'])
        validate(vfioctl, module, params['directory'], filename, new)
    file_changes = old != new
    result = dict(path=path, content=new)

    if file_changes and not module.check_mode:
        if new is None:
            os.remove(path)
        else:
            write(module, path, new)

    changed = file_changes
    if params['apply']:
        if module.check_mode:
            before = check(vfioctl)
            rc, out, err = vfioctl.run(['--dry-run', 'rules', 'apply'])
            result['summary'] = out.strip().splitlines()[-1] if out.strip() else ''
            result['devices'] = None if file_changes else pending(before)
            changed = changed or bool(pending(before))
        else:
            before = check(vfioctl)
            moving = pending(before)
            if moving or file_changes:
                rc, out, err = vfioctl.run(['rules', 'apply'])
                result['summary'] = out.strip().splitlines()[-1] if out.strip() else ''
            after = check(vfioctl)
            done = [d for d in moving if d not in after or after[d]['inEffect']]
            # Devices the rules took earlier and let go of now: owned before, no longer in the rules' hands.
            released = [d for d, row in before.items() if row['owner'] and d not in after and d not in done]
            result['devices'] = sorted(done + released)
            changed = changed or bool(result['devices'])

    for warning in vfioctl.warnings:
        module.warn(warning)
    if module._diff:
        result['diff'] = dict(before_header=path, after_header=path, before=old or '', after=new or '')
    module.exit_json(changed=changed, **result)


if __name__ == '__main__':
    main()
