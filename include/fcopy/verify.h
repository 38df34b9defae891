/* --verify: compare the written file with the source before it replaces DEST. */
#ifndef FCOPY_VERIFY_H
#define FCOPY_VERIFY_H

struct copy_job;
struct strategy;

/*
 * Check before anything is read that --verify can work for this job: DEST
 * must be a file fcopy can read back, and the source must be readable a
 * second time unless the whole strategy keeps it in memory.  Returns 0,
 * or -1 after printing a message.
 */
int verify_check(const struct copy_job *job, const struct strategy *strategy);

/*
 * Read the written file back and compare it with the source.  Returns 0
 * when they are equal, or -1 after printing a message.
 */
int verify_copy(struct copy_job *job);

#endif
