# -*- coding: utf-8 -*-
# Copyright: vfioctl developers
# Apache License, Version 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.vfioctl.vfioctl.plugins.modules import rule

from ansible_collections.vfioctl.vfioctl.tests.unit.plugins.modules.fake_vfioctl import FakeVfioctl, device, rule_row

TEXT = '[Match]\nVendor=8086\nDevice=100e 10d3\n[Bind]\nDriver=vfio-pci\nGroup=yes\n'
OPTIONS = dict(name='50-nics', match=dict(Vendor='8086', Device=['100e', '10d3']),
               bind=dict(Driver='vfio-pci', Group=True))


def scene(tmp_path):
    fake = FakeVfioctl(device('0000:00:02.0', 'e1000'))
    return fake, str(tmp_path), tmp_path / 'etc/vfioctl/bind.d/50-nics.conf'


def test_check_mode_writes_nothing_and_shows_the_text(run, tmp_path):
    fake, root, path = scene(tmp_path)
    result, failed = run(rule, dict(OPTIONS, root=root, apply=True), fake, check=True, diff=True)
    assert not failed and result['changed']
    assert not path.exists()
    assert result['diff']['after'] == TEXT and result['diff']['before'] == ''
    assert result['devices'] is None
    assert fake.changes() == []


def test_writes_applies_and_names_the_devices_then_is_unchanged(run, tmp_path):
    fake, root, path = scene(tmp_path)
    fake.rule_rows['0000:00:02.0'] = rule_row()
    result, failed = run(rule, dict(OPTIONS, root=root, apply=True), fake)
    assert not failed and result['changed']
    assert path.read_text() == TEXT
    assert result['devices'] == ['0000:00:02.0']
    assert result['summary'] == 'rules apply: 1 bound, 0 returned, 0 already in effect, 0 failed'
    again = run(rule, dict(OPTIONS, root=root, apply=True), fake)[0]
    assert not again['changed'] and again['devices'] == []
    assert fake.changes() == [['--root', root, 'rules', 'apply']]


def test_content_is_written_as_given(run, tmp_path):
    fake, root, path = scene(tmp_path)
    run(rule, dict(name='50-nics.conf', content=TEXT, root=root), fake)
    assert path.read_text() == TEXT
    assert oct(os.stat(str(path)).st_mode & 0o777) == '0o644'


def test_a_rule_vfioctl_refuses_fails_with_its_line_and_writes_nothing(run, tmp_path):
    fake, root, path = scene(tmp_path)
    fake.rule_errors['Devic='] = '2: unknown key Devic in [Match]'
    result, failed = run(rule, dict(name='50-nics', content='[Match]\nDevic=100e\n', root=root), fake)
    assert failed and result['msg'] == 'vfioctl: /etc/vfioctl/bind.d/50-nics.conf:2: unknown key Devic in [Match]'
    assert not path.exists()


def test_absent_removes_and_applies(run, tmp_path):
    fake, root, path = scene(tmp_path)
    run(rule, dict(OPTIONS, root=root), fake)
    fake.rule_rows['0000:00:02.0'] = rule_row(action='return', owner='50-nics')
    result = run(rule, dict(name='50-nics', state='absent', root=root, apply=True), fake, diff=True)[0]
    assert result['changed'] and not path.exists()
    assert result['diff']['before'] == TEXT and result['diff']['after'] == ''
    assert result['devices'] == ['0000:00:02.0']
    assert not run(rule, dict(name='50-nics', state='absent', root=root), fake)[0]['changed']


def test_an_id_yaml_made_a_number_is_refused(run, tmp_path):
    fake, root, path = scene(tmp_path)
    result, failed = run(rule, dict(name='50-nics', match=dict(Vendor=4318), bind=dict(Driver='vfio'), root=root), fake)
    assert failed and result['msg'].startswith('match.Vendor is the number 4318') and "quote it" in result['msg']
    assert not path.exists() and fake.calls == []


def test_an_address_yaml_made_a_number_is_refused_with_its_guess(run, tmp_path):
    fake, root, path = scene(tmp_path)
    result, failed = run(rule, dict(name='10-boot', match=dict(Address=[1140.1]), bind=dict(Driver='none'),
                                    root=root), fake)
    assert failed and "Address: '0000:19:00.1'" in result['msg']


def test_a_name_with_a_slash_is_refused(run, tmp_path):
    fake, root, path = scene(tmp_path)
    result, failed = run(rule, dict(name='../x', content=TEXT, root=root), fake)
    assert failed and 'plain file name' in result['msg']
