/* --verify: compare the written file with the source before it replaces DEST. */
#ifndef FCOPY_VERIFY_H
#define FCOPY_VERIFY_H

struct copy_job;

/*
 * Read the written file back and compare it with the source.  Returns 0
 * when they are equal, or -1 after printing a message.
 */
int verify_copy(struct copy_job *job);

#endif
