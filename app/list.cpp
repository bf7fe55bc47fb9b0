// `mtask list`: the resolved plan, written by the plan's own formatter (plan_list.hpp).
#include "list.hpp"

#include "mtask/report/plan_list.hpp"

namespace app {

std::string list(const Config& config) {
  // TODO(mtask list with services): PlanDefaults has no ready timeout yet; once it has, give it
  // config.run.ready_timeout (--ready-timeout, else [run] ready_timeout, else 30 s), which
  // ready_timeout_of() needs for a task that gives none of its own.
  const mtask::PlanDefaults defaults{config.run.timeout, config.run.retries,
                                     config.shard ? config.shard->label() : std::string(),
                                     config.run.ready_timeout};
  return config.json ? mtask::plan_json(config.tasks, defaults)
                     : mtask::plan_table(config.tasks, defaults);
}

}  // namespace app
