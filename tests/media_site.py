"""A site whose reports use every kind of media: charts from inline, CSV and JSON data, figures, pictures,
video, audio, YouTube and Vimeo links, and callouts of every kind. Its data is made up for the tests."""
from __future__ import annotations

import io
import math
import struct
import wave

from conftest import picture, report


def tone(seconds: float = 0.5, rate: int = 8000) -> bytes:
    """A short, real WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        sound.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate)))
                                   for n in range(int(seconds * rate))))
    return out.getvalue()


CHARTS = """Teams surveyed each year said whether they use the tool (illustrative figures).

```chart
title: Share of teams using the tool
description: A line chart of the share of teams using the tool, rising from 12% in 2021 to 31% in 2024
data: {url: adoption.csv}
mark: {type: line, point: true}
encoding:
  x: {field: year, type: ordinal, title: Year}
  y: {field: share, type: quantitative, title: Share of teams (%)}
  color: {field: region, type: nominal, title: Region}
```

> [!NOTE]
> These figures are illustrative.

```chart
{"title": "Budgets by area",
 "data": {"url": "budgets.json"},
 "mark": "bar",
 "encoding": {"x": {"field": "area", "type": "nominal", "title": "Area"},
              "y": {"field": "budget", "type": "quantitative", "title": "Budget (k)"}}}
```

```chart
title: Tickets per week
data:
  values:
    - {week: 1, tickets: 14}
    - {week: 2, tickets: 9}
    - {week: 3, tickets: 17}
mark: area
encoding:
  x: {field: week, type: ordinal, title: Week}
  y: {field: tickets, type: quantitative, title: Tickets}
```
"""

MEDIA = """An opening picture, then the rest of the report.

![A blue rectangle standing for a product photo](photo.jpg "The product, photographed for this report")

> [!TIP]
> Press play to load the video.

> [!IMPORTANT] Before you start
> Read the notes.

> [!WARNING]
> Mind the gap.

> [!CAUTION]
> Hot surface.

!!! note
    An admonition written the Python-Markdown way.

## Video and audio

![A walkthrough of the tool](demo.mp4 "The walkthrough")

![The interview](interview.wav "The interview, as recorded")

<https://www.youtube.com/watch?v=dQw4w9WgXcQ>

[The launch event](https://vimeo.com/76979871)

## Later pictures

![A wide chart picture](wide.png)

An inline picture ![a small icon](icon.png) sits in this sentence.
"""


def files() -> dict[str, str | bytes]:
    """The site's files, by path."""
    return {
        "pyproject.toml": '[tool.trendsite]\ntitle = "Media Trends"\nbase_url = "https://example.org/trends/"\n',
        "content/tools/charts.md": report("Charts from data", "2026-05-02", ("Tools", "Data"), CHARTS,
                                          summary="Charts drawn from data files beside the report."),
        "content/tools/adoption.csv": "year,share,region\n2021,12,North\n2022,18,North\n2023,21,North\n"
                                      "2021,9,South\n2022,15,South\n2023,31,South\n",
        "content/tools/budgets.json": '[{"area": "Research", "budget": 40}, {"area": "Support", "budget": 25},'
                                      ' {"area": "<b>Sales</b> & more", "budget": 32}]',
        "content/media/index.md": report("Media of every kind", "2026-05-01", ("Tools", "Video"), MEDIA,
                                         summary="Pictures, video, audio and callouts."),
        "content/media/photo.jpg": picture(1600, 900, "JPEG", "#2f6fb3"),
        "content/media/wide.png": picture(1200, 400, "PNG", "#28925a"),
        "content/media/icon.png": picture(32, 32, "PNG", "#d0680c"),
        "content/media/demo.mp4": b"\x00\x00\x00\x18ftypmp42not a real video",
        "content/media/interview.wav": tone(),
        "content/plain.md": report("A plain report", "2026-04-30", ("Tools",), "Just words, no pictures."),
    }
