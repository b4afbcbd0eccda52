# -*- coding: utf-8 -*-
# Copyright: vfioctl developers
# Apache License, Version 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.vfioctl.vfioctl.plugins.modules import info

from ansible_collections.vfioctl.vfioctl.tests.unit.plugins.modules.fake_vfioctl import FakeVfioctl, device, rule_row


def test_status_json_becomes_facts(run):
    fake = FakeVfioctl(device('0000:00:02.0', 'vfio-pci'), device('0000:00:03.0', 'e1000'))
    result, failed = run(info, dict(devices=['0000:00:03.0']), fake)
    assert not failed and not result['changed']
    assert [d['driver'] for d in result['ansible_facts']['vfioctl_devices']] == ['e1000']
    assert fake.calls == [['status', '0000:00:03.0', '--json']]


def test_all_and_rules(run):
    fake = FakeVfioctl(device('0000:00:02.0', 'vfio-pci'))
    fake.rule_rows['0000:00:02.0'] = rule_row(in_effect=True)
    result = run(info, dict(all=True, rules=True), fake, check=True)[0]
    assert fake.calls == [['status', '--all', '--json'], ['rules', 'check', '--json']]
    assert result['ansible_facts']['vfioctl_rules']['devices'][0]['inEffect'] is True


def test_a_number_is_refused(run):
    fake = FakeVfioctl()
    result, failed = run(info, dict(devices=['0000:00:02.0', 180.0]), fake)
    assert failed and fake.calls == []
    assert result['msg'].startswith('devices[1] is the number 180.0') and "'0000:03:00.0'" in result['msg']
