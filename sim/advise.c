#include "search.h"
int sim_cmd_advise(int argc, char **argv)
{
	(void)argc; (void)argv;
	return SIM_EXIT_INTERNAL;
}
