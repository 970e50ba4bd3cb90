// The user's memory update jobs by state, with failures, retry and drop.
import { api, h, page, say, shortId, show, when } from "./lib.js";

let queueState = "";
export async function queueView(main) {
  const select = h(
    "select",
    { id: "job-state" },
    h("option", { value: "" }, "all states"),
    ...["queued", "running", "done", "dead"].map((st) => h("option", { value: st, selected: queueState === st }, st)),
  );
  select.addEventListener("change", () => {
    queueState = select.value;
    page.refresh();
  });
  const reply = await api("GET", "/queue/jobs", { query: { state: queueState } });
  const act = (fn) => () =>
    fn()
      .then(() => page.refresh())
      .catch(page.fail);
  show(
    main,
    h(
      "section",
      { class: "toolbar" },
      h("label", {}, "State ", select),
      h(
        "button",
        {
          type: "button",
          id: "retry-all",
          onclick: act(async () =>
            say(`Queued again: ${(await api("POST", "/queue/jobs/retry", { body: {} })).retried.length} jobs.`),
          ),
        },
        "Retry all dead",
      ),
    ),
    h(
      "table",
      { id: "jobs" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["Job", "Kind", "State", "Attempts", "Failure", "Created", "Updated", ""].map((t) => h("th", {}, t)),
        ),
      ),
      h(
        "tbody",
        {},
        reply.jobs.length === 0
          ? h("tr", {}, h("td", { colspan: 8, class: "empty" }, "No jobs."))
          : reply.jobs.map((job) =>
              h(
                "tr",
                { "data-id": job.id, class: job.state },
                h("td", { class: "id", title: job.id }, shortId(job.id)),
                h("td", {}, job.kind ?? ""),
                h("td", {}, job.state),
                h("td", { class: "num" }, job.attempts),
                h("td", { class: "error" }, job.lastError ?? ""),
                h("td", { class: "when" }, when(job.createdAt)),
                h("td", { class: "when" }, when(job.updatedAt)),
                h(
                  "td",
                  {},
                  job.state === "dead" || job.state === "queued"
                    ? h(
                        "button",
                        {
                          type: "button",
                          class: "retry",
                          onclick: act(() =>
                            api("POST", `/queue/jobs/${encodeURIComponent(job.id)}/retry`, { body: {} }),
                          ),
                        },
                        "Retry",
                      )
                    : null,
                  job.state !== "running"
                    ? h(
                        "button",
                        {
                          type: "button",
                          class: "drop",
                          onclick: act(() => api("DELETE", `/queue/jobs/${encodeURIComponent(job.id)}`)),
                        },
                        "Drop",
                      )
                    : null,
                ),
              ),
            ),
      ),
    ),
  );
}
