/* The -i question. */
#ifndef FCOPY_PROMPT_H
#define FCOPY_PROMPT_H

#include <stdbool.h>

/*
 * Ask on standard error whether to replace path, and read the answer from
 * the controlling terminal.  Returns true for an answer starting with y
 * or Y; false for anything else, or when there is no terminal.
 */
bool prompt_replace(const char *path);

#endif
