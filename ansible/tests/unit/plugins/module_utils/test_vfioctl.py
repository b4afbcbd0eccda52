# -*- coding: utf-8 -*-
# Copyright: vfioctl developers
# Apache License, Version 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.vfioctl.vfioctl.plugins.module_utils.vfioctl import sexagesimal


def test_yaml_base_60_numbers_are_told_back_as_addresses():
    # What PyYAML (YAML 1.1, as Ansible loads it) makes of unquoted addresses.
    assert sexagesimal(1140.1) == '0000:19:00.1'
    assert sexagesimal(180.0) == '0000:03:00.0'
    assert sexagesimal(3600 * 2 + 60 * 59 + 7.4) == '0002:59:07.4'


def test_numbers_that_are_no_address_are_not_guessed():
    assert sexagesimal(68400) is None
    assert sexagesimal(1.25) is None
    assert sexagesimal(-1.0) is None
