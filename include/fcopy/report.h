/* Output about a finished file: the -v line and the --stats summary. */
#ifndef FCOPY_REPORT_H
#define FCOPY_REPORT_H

struct copy_job;
struct strategy;

/* Note the start time of job, for --stats. */
void report_start(struct copy_job *job);

/* Print the -v line and the --stats summary of a copied file. */
void report_done(const struct copy_job *job, const struct strategy *strategy);

#endif
