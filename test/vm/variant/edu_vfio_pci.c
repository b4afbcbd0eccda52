// SPDX-License-Identifier: GPL-2.0-only
/*
 * edu_vfio_pci - a minimal VFIO PCI variant driver used only by vfioctl's
 * VM end-to-end tests.  It claims QEMU's "edu" device (1234:11e8) through a
 * driver_override-only ID table, exactly like the kernel's own variant
 * drivers (mlx5, pds, virtio, ...), and otherwise forwards everything to
 * vfio-pci-core.
 *
 * The module is called edu_vfio_pci but registers the PCI driver under a
 * different name (edu-vfio-variant) so that tools have to map module names
 * and driver names correctly.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

#define EDU_VFIO_DRIVER_NAME "edu-vfio-variant"

static int edu_vfio_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;
	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static const struct vfio_device_ops edu_vfio_ops = {
	.name		= EDU_VFIO_DRIVER_NAME,
	.init		= vfio_pci_core_init_dev,
	.release	= vfio_pci_core_release_dev,
	.open_device	= edu_vfio_open_device,
	.close_device	= vfio_pci_core_close_device,
	.ioctl		= vfio_pci_core_ioctl,
	.device_feature	= vfio_pci_core_ioctl_feature,
	.read		= vfio_pci_core_read,
	.write		= vfio_pci_core_write,
	.mmap		= vfio_pci_core_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
	.bind_iommufd	= vfio_iommufd_physical_bind,
	.unbind_iommufd	= vfio_iommufd_physical_unbind,
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
};

static int edu_vfio_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfio_pci_core_device *vdev;
	int ret;

	vdev = vfio_alloc_device(vfio_pci_core_device, vdev, &pdev->dev,
				 &edu_vfio_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);

	dev_set_drvdata(&pdev->dev, vdev);
	ret = vfio_pci_core_register_device(vdev);
	if (ret) {
		vfio_put_device(&vdev->vdev);
		return ret;
	}
	dev_info(&pdev->dev, "bound to %s\n", EDU_VFIO_DRIVER_NAME);
	return 0;
}

static void edu_vfio_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(vdev);
	vfio_put_device(&vdev->vdev);
}

static const struct pci_device_id edu_vfio_table[] = {
	/* QEMU "edu" educational device */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x1234, 0x11e8) },
	{}
};
MODULE_DEVICE_TABLE(pci, edu_vfio_table);

static struct pci_driver edu_vfio_driver = {
	.name			= EDU_VFIO_DRIVER_NAME,
	.id_table		= edu_vfio_table,
	.probe			= edu_vfio_probe,
	.remove			= edu_vfio_remove,
	.err_handler		= &vfio_pci_core_err_handlers,
	.driver_managed_dma	= true,
};
module_pci_driver(edu_vfio_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO variant driver for QEMU's edu device (vfioctl tests)");
