# -*- coding: utf-8 -*-
# Copyright: vfioctl developers
# Apache License, Version 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The options every vfioctl module takes (module_utils.vfioctl.COMMON_ARGS)."""

    DOCUMENTATION = r'''
options:
  root:
    description:
      - Makes this directory the root of everything vfioctl reads and writes (C(--root)), as for
        a fake root in tests; files the module writes itself go below it too.
    type: path
  bus:
    description: The bus, when not C(pci) (C(--bus)).
    type: str
  executable:
    description: The vfioctl to run; by default the one on the C(PATH).
    type: path
'''
