package views

import (
	"fmt"

	"github.com/petstore/petstore/internal/shelter"
)

// The workflow diagram is laid out from shelter.Transitions: a status's
// column is its distance from "new" along the table's edges, and statuses
// in one column are stacked in lifecycle order. Nothing is drawn by hand.

const (
	nodeW, nodeH   = 150, 52
	colGap, rowGap = 60, 56
	margin         = 24
)

type diagramNode struct {
	Status shelter.Status
	X, Y   int
}

type diagramEdge struct {
	T    shelter.Transition
	Path string
	// LabelX, LabelY place the edge's small caption.
	LabelX, LabelY int
}

type diagram struct {
	W, H  int
	Nodes []diagramNode
	Edges []diagramEdge
}

// layoutDiagram places every status that appears in the table.
func layoutDiagram() diagram {
	depth := map[shelter.Status]int{shelter.StatusNew: 0}
	queue := []shelter.Status{shelter.StatusNew}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, t := range shelter.Transitions {
			if t.From != s {
				continue
			}
			if _, seen := depth[t.To]; !seen {
				depth[t.To] = depth[s] + 1
				queue = append(queue, t.To)
			}
		}
	}
	rows := map[int]int{}
	pos := map[shelter.Status]diagramNode{}
	var d diagram
	for _, s := range shelter.Statuses { // lifecycle order within a column
		col, ok := depth[s]
		if !ok {
			continue // not in the lifecycle table (deleted)
		}
		n := diagramNode{Status: s, X: margin + col*(nodeW+colGap), Y: margin + rows[col]*(nodeH+rowGap)}
		rows[col]++
		pos[s] = n
		d.Nodes = append(d.Nodes, n)
		d.W = max(d.W, n.X+nodeW+margin)
		d.H = max(d.H, n.Y+nodeH+margin)
	}
	for _, t := range shelter.Transitions {
		a, b := pos[t.From], pos[t.To]
		e := diagramEdge{T: t}
		switch {
		case b.X > a.X: // forward: right side to left side
			x1, y1 := a.X+nodeW, a.Y+nodeH/2
			x2, y2 := b.X, b.Y+nodeH/2
			if y1 != y2 { // offset so two edges between the same rows do not overlap
				y1 += sign(y2-y1) * 10
				y2 -= sign(y2-y1) * 10
			}
			mx := (x1 + x2) / 2
			e.Path = fmt.Sprintf("M%d %d C%d %d, %d %d, %d %d", x1, y1, mx, y1, mx, y2, x2-6, y2)
			e.LabelX, e.LabelY = mx, (y1+y2)/2-6
		case b.X < a.X: // backward: bottom to bottom, curving below
			x1, y1 := a.X+nodeW/2-15, a.Y+nodeH
			x2, y2 := b.X+nodeW/2+15, b.Y+nodeH
			dip := max(y1, y2) + rowGap - 12
			e.Path = fmt.Sprintf("M%d %d C%d %d, %d %d, %d %d", x1, y1, x1, dip, x2, dip, x2, y2+6)
			e.LabelX, e.LabelY = (x1+x2)/2, dip-4
			d.H = max(d.H, dip+margin)
		default: // same column: along the side
			x1, y1 := a.X+nodeW, a.Y+nodeH/2
			x2, y2 := b.X+nodeW, b.Y+nodeH/2
			e.Path = fmt.Sprintf("M%d %d C%d %d, %d %d, %d %d", x1, y1, x1+40, y1, x2+40, y2, x2+6, y2)
			e.LabelX, e.LabelY = x1+34, (y1+y2)/2
		}
		d.Edges = append(d.Edges, e)
	}
	return d
}

func sign(n int) int {
	switch {
	case n > 0:
		return 1
	case n < 0:
		return -1
	}
	return 0
}

func edgeClass(t shelter.Transition) string {
	if t.Automatic() {
		return "edge auto"
	}
	return "edge staff"
}

func markerURL(t shelter.Transition) string {
	if t.Automatic() {
		return "url(#arrow-auto)"
	}
	return "url(#arrow-staff)"
}

// whoText says who takes a transition.
func whoText(t shelter.Transition) string {
	switch {
	case t.Trigger != "":
		return "Automatic, on " + t.Trigger
	case t.Progression && t.Staff:
		return "Staff, or automatic right after the previous step"
	case t.Progression:
		return "Automatic, right after the previous step"
	}
	return "Staff"
}

func svgViewBox(d diagram) string { return fmt.Sprintf("0 0 %d %d", d.W, d.H) }
