/* leaselab — names of the shared LE_E* error codes. */
#include "leaselab/record.h"

const char *le_strerror(int err)
{
	switch (err) {
	case LE_OK:
		return "success";
	case LE_EINVAL:
		return "invalid argument";
	case LE_EPARSE:
		return "malformed input";
	case LE_ENOMEM:
		return "out of memory";
	case LE_ERANGE:
		return "value out of range or buffer too small";
	case LE_ENOTFOUND:
		return "not found";
	case LE_ECONFLICT:
		return "conflict";
	case LE_EIO:
		return "I/O error";
	case LE_ESTATE:
		return "call not valid in the current state";
	case LE_ETIMEDOUT:
		return "timed out";
	default:
		return "unknown error";
	}
}
