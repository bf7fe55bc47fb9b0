// `mtask list`: the resolved plan, written by the plan's own formatter (plan_list.hpp).
#include "list.hpp"

#include "mtask/report/plan_list.hpp"

namespace app {

std::string list(const Config& config) {
  const mtask::PlanDefaults defaults{config.run.timeout, config.run.retries,
                                     config.shard ? config.shard->label() : std::string(),
                                     config.run.ready_timeout};
  return config.json ? mtask::plan_json(config.tasks, defaults)
                     : mtask::plan_table(config.tasks, defaults);
}

}  // namespace app
