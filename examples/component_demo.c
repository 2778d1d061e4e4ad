/* SPDX-License-Identifier: Apache-2.0 */
/*
 * component-demo: the cognitive pipeline as real components on the hosted
 * port. A signed package holds one component image per task (sensor,
 * perception, reasoning, attestation, loader), each a freestanding program
 * built on its own against the SDK; the hosted kernel runtime maps each
 * code segment and starts each task at its manifest entry on 2 CPUs. Every
 * call the components make goes through the nucleus. At the end the
 * witness log is verified, the record kinds of the syscalls are checked and
 * the vector store's contents are digested (compare it with a target run).
 *
 * usage: component-demo PACKAGE PUBKEY [CPUS]
 */
#include <stdio.h>
#include <stdlib.h>

#include "component_run.h"

int main(int argc, char **argv)
{
	struct cdemo_result res;
	uint32_t cpus = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 2u;
	int rc;

	if (argc < 3 || cpus == 0 || cpus > 4) {
		fprintf(stderr, "usage: %s PACKAGE PUBKEY [CPUS]\n", argv[0]);
		return 2;
	}
	puts("RuVix component demo: the cognitive pipeline as components in a signed package "
	     "(hosted port)");
	rc = cdemo_run(argv[1], argv[2], cpus, 1, &res);
	if (rc != 0) {
		printf("%d check(s) failed\n", rc);
		return 1;
	}
	puts("everything behaved");
	return 0;
}
