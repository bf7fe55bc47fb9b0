// LD_PRELOAD helper: when the process it is loaded into exits (through exit(), as mtask does),
// writes that process's own peak RSS (VmHWM, in kB) to the file named by BENCH_HWM_FILE.
// It unsets BENCH_HWM_FILE and LD_PRELOAD at load, so children do not report.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[4096];

__attribute__((constructor)) static void hwm_init(void) {
  const char* file = getenv("BENCH_HWM_FILE");
  if (file == NULL) return;
  snprintf(path, sizeof path, "%s", file);
  unsetenv("BENCH_HWM_FILE");
  unsetenv("LD_PRELOAD");
}

__attribute__((destructor)) static void hwm_fini(void) {
  if (path[0] == '\0') return;
  char status[8192];
  int fd = open("/proc/self/status", O_RDONLY);
  if (fd < 0) return;
  ssize_t n = read(fd, status, sizeof status - 1);
  close(fd);
  if (n <= 0) return;
  status[n] = '\0';
  const char* hwm = strstr(status, "VmHWM:");
  if (hwm == NULL) return;
  FILE* out = fopen(path, "w");
  if (out == NULL) return;
  fprintf(out, "%ld\n", strtol(hwm + 6, NULL, 10));
  fclose(out);
}
