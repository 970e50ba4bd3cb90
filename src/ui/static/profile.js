// The profile's sections and the interests as lanes on a time axis.
import { api, h, s, show, when } from "./lib.js";

export async function profileView(main) {
  let profile;
  try {
    profile = await api("GET", "/profile");
  } catch (error) {
    if (error.status === 503 || error.status === 500) return show(main, h("p", { class: "empty" }, error.message));
    throw error;
  }
  const sections = ["identity", "preferences", "constraints", "focus"].map((name) =>
    h(
      "section",
      { class: "profile-section", "data-section": name },
      h("h3", {}, name),
      profile.summary[name].length
        ? h(
            "ul",
            {},
            profile.summary[name].map((line) => h("li", {}, line)),
          )
        : h("p", { class: "empty" }, "nothing yet"),
    ),
  );
  show(
    main,
    h(
      "p",
      {},
      `Profile ${profile.status}${profile.source ? `, written by ${profile.source}` : ""}, from ${profile.memoryCount} memories${profile.refreshedAt ? `, ${when(profile.refreshedAt)}` : ""}.`,
    ),
    h("div", { class: "profile" }, sections),
    h("h3", {}, `Interests over time (${profile.interests.questions} questions)`),
    interestChart(profile.interests),
  );
}

function interestChart(interests) {
  const topics = [
    ...interests.current.map((t) => ({ ...t, when: "now" })),
    ...interests.earlier.map((t) => ({ ...t, when: "earlier" })),
  ];
  if (topics.length === 0) {
    return h(
      "p",
      { id: "interests", class: "empty" },
      interests.questions
        ? "No topic asked about twice yet: a topic enters the trend with its second question."
        : "No questions recorded yet.",
    );
  }
  const times = topics.flatMap((t) => [Date.parse(t.firstAt), Date.parse(t.lastAt)]);
  const start = Math.min(...times);
  const end = Math.max(Date.now(), ...times);
  const left = 170,
    width = 620,
    lane = 26;
  const x = (iso) => left + ((Date.parse(iso) - start) / Math.max(1, end - start)) * width;
  const chart = s("svg", {
    id: "interests",
    viewBox: `0 0 ${left + width + 150} ${topics.length * lane + 40}`,
    role: "img",
  });
  chart.append(s("title", {}, "Interests over time"));
  topics.forEach((t, i) => {
    const y = 10 + i * lane;
    const colour = t.trend === "rising" ? "#2ca02c" : t.trend === "fading" || t.when === "earlier" ? "#aaa" : "#1f77b4";
    chart.append(s("text", { x: left - 8, y: y + 14, "text-anchor": "end" }, t.topic));
    chart.append(
      s("rect", {
        x: x(t.firstAt),
        y: y + 3,
        width: Math.max(4, x(t.lastAt) - x(t.firstAt)),
        height: 14,
        rx: 3,
        fill: colour,
        "data-topic": t.topic,
      }),
    );
    chart.append(
      s(
        "text",
        { x: left + width + 8, y: y + 14, class: "share" },
        `${t.questions} q · ${Math.round(t.recentShare * 100)}% now · ${t.trend}`,
      ),
    );
  });
  const axisY = topics.length * lane + 20;
  chart.append(s("line", { x1: left, y1: axisY, x2: left + width, y2: axisY, stroke: "#888" }));
  chart.append(s("text", { x: left, y: axisY + 15 }, new Date(start).toLocaleDateString()));
  chart.append(s("text", { x: left + width, y: axisY + 15, "text-anchor": "end" }, new Date(end).toLocaleDateString()));
  return chart;
}
