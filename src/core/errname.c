// SPDX-License-Identifier: MIT
/* The errno codes the model returns, by name. */
#include <errno.h>
#include <string.h>

#include "irqlab/errname.h"

static const struct {
	int code;
	const char *name;
} errnames[] = {
	{EPERM, "EPERM"},	{ENOENT, "ENOENT"},	    {ESRCH, "ESRCH"},	{EIO, "EIO"},
	{ENXIO, "ENXIO"},	{E2BIG, "E2BIG"},	    {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"},
	{EFAULT, "EFAULT"},	{EBUSY, "EBUSY"},	    {EEXIST, "EEXIST"}, {ENODEV, "ENODEV"},
	{EINVAL, "EINVAL"},	{ENOSPC, "ENOSPC"},	    {ERANGE, "ERANGE"}, {ENOSYS, "ENOSYS"},
	{ENOTCONN, "ENOTCONN"}, {EOPNOTSUPP, "EOPNOTSUPP"}, {EAGAIN, "EAGAIN"}, {EPROTO, "EPROTO"},
};

const char *irqlab_errno_name(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (errnames[i].code == err)
			return errnames[i].name;
	return NULL;
}

int irqlab_errno_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (strcmp(errnames[i].name, name) == 0)
			return errnames[i].code;
	return 0;
}
