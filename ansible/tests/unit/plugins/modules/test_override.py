# -*- coding: utf-8 -*-
# Copyright: vfioctl developers
# Apache License, Version 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.vfioctl.vfioctl.plugins.modules import override

from ansible_collections.vfioctl.vfioctl.tests.unit.plugins.modules.fake_vfioctl import FakeVfioctl, device

NIC = '0000:00:02.0'


def nic(**kwargs):
    return FakeVfioctl(device(NIC, 'e1000', **kwargs))


def test_check_mode_reports_the_plan_and_changes_nothing(run):
    fake = nic()
    result, failed = run(override, dict(device=NIC, driver='vfio'), fake, check=True, diff=True)
    assert not failed and result['changed']
    assert fake.changes() == []
    assert fake.devices[NIC]['driver'] == 'e1000'
    assert result['plan'][0] == 'write /sys/bus/pci/devices/%s/driver_override vfio-pci' % NIC
    assert result['after']['driver'] == 'vfio-pci' and result['after']['persisted'] == 'vfio'
    assert '+driver: vfio-pci' not in result['diff']['before'] and 'driver: vfio-pci' in result['diff']['after']


def test_binds_and_reports_the_driver_before_and_after(run):
    fake = nic()
    result, failed = run(override, dict(device=NIC, driver='vfio'), fake, diff=True)
    assert not failed and result['changed']
    assert fake.changes() == [['set-override', NIC, 'vfio']]
    assert (result['before']['driver'], result['after']['driver']) == ('e1000', 'vfio-pci')
    assert result['diff']['before'].startswith('driver: e1000\n')


def test_second_run_is_unchanged_and_calls_nothing_that_changes(run):
    fake = nic()
    run(override, dict(device=NIC, driver='vfio'), fake)
    result, failed = run(override, dict(device=NIC, driver='vfio'), fake)
    assert not failed and not result['changed']
    assert fake.changes() == [['set-override', NIC, 'vfio']]
    assert result['command'] == []


def test_a_saved_override_that_differs_is_a_change(run):
    fake = nic(override='vfio-pci', persisted='vfio-pci')
    fake.devices[NIC].update(driver='vfio-pci')
    result = run(override, dict(device=NIC, driver='vfio'), fake)[0]
    assert result['changed']
    assert fake.devices[NIC]['persisted'] == 'vfio'


def test_persist_false_passes_nosave_and_ignores_the_saved_file(run):
    fake = nic(persisted='e1000')
    run(override, dict(device=NIC, driver='vfio', persist=False), fake)
    assert fake.changes() == [['set-override', NIC, 'vfio', '--nosave']]
    result = run(override, dict(device=NIC, driver='vfio', persist=False), fake)[0]
    assert not result['changed']


def test_absent_unsets_and_is_then_unchanged(run):
    fake = nic(override='vfio-pci', persisted='vfio')
    fake.devices[NIC].update(driver='vfio-pci')
    result = run(override, dict(device=NIC, state='absent'), fake)[0]
    assert result['changed'] and result['after']['driver'] == 'e1000' and result['after']['persisted'] is None
    again = run(override, dict(device=NIC, state='absent'), fake)[0]
    assert not again['changed']
    assert fake.changes() == [['unset-override', NIC]]


def test_an_in_use_device_fails_with_vfioctls_own_line_and_nothing_runs(run):
    fake = nic(in_use=['provides eth0, which is up'])
    result, failed = run(override, dict(device=NIC, driver='vfio'), fake)
    assert failed
    assert result['msg'] == 'vfioctl: %s provides eth0, which is up; stop using it or give --force' % NIC
    assert fake.changes() == []


def test_force_is_passed_only_when_asked(run):
    fake = nic(in_use=['provides eth0, which is up'])
    result, failed = run(override, dict(device=NIC, driver='vfio', force=True), fake)
    assert not failed and result['changed']
    assert fake.changes() == [['set-override', NIC, 'vfio', '--force']]
    assert all('--force' not in c for c in nic().calls)


def test_never_forces_by_default(run):
    fake = nic()
    run(override, dict(device=NIC, driver='vfio'), fake)
    run(override, dict(device=NIC, state='absent'), fake)
    assert fake.calls and all('--force' not in c for c in fake.calls)


def test_an_address_yaml_made_a_number_is_refused_with_the_fix(run):
    fake = nic()
    result, failed = run(override, dict(device=1140.1, driver='vfio'), fake)
    assert failed and fake.calls == []
    assert result['msg'] == ("device is the number 1140.1: YAML reads an unquoted PCI address as a base-60 number "
                             "(it was probably 0000:19:00.1); quote the address, as in device: '0000:19:00.1'")


def test_an_integer_address_is_refused_too(run):
    fake = nic()
    result, failed = run(override, dict(device=68400, driver='vfio'), fake)
    assert failed and 'quote the address' in result['msg'] and fake.calls == []


def test_an_unknown_device_fails_with_vfioctls_message(run):
    result, failed = run(override, dict(device='0000:00:09.0', driver='vfio'), nic())
    assert failed and result['msg'] == 'vfioctl: no such device: 0000:00:09.0'


def test_detach_and_reattach_are_vfioctls_commands(run):
    assert override.command(dict(state='detached', driver=None, persist=True, group=True, force=False,
                                 noiommu=False), NIC) == ['detach', NIC, '--group']
    assert override.command(dict(state='reattached', driver=None, persist=True, group=False, force=False,
                                 noiommu=False), NIC) == ['reattach', NIC]


def test_force_with_absent_is_refused(run):
    result, failed = run(override, dict(device=NIC, state='absent', force=True), nic())
    assert failed and result['msg'] == 'force and noiommu go with state present or detached'
