"""Placement: where everything on every slide goes, in points, decided once for all outputs.

- `geometry`: the slide, its boxes, pictures in boxes;
- `paragraphs`: the paragraphs of each slide kind (`Para`);
- `measure`: text measured with the theme's fonts;
- `fit`: body sizes, and slides split where they cannot fit (the deck plan asks it);
- `frames`: each planned frame placed: every box, paragraph, picture, decoration and footer.
"""
