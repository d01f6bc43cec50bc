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
	// top leaves room for the arcs of backward steps within the first row.
	top = 56
)

type diagramNode struct {
	Status shelter.Status
	X, Y   int
}

type diagramEdge struct {
	T    shelter.Transition
	Path string
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
		n := diagramNode{Status: s, X: margin + col*(nodeW+colGap), Y: top + rows[col]*(nodeH+rowGap)}
		rows[col]++
		pos[s] = n
		d.Nodes = append(d.Nodes, n)
		d.W = max(d.W, n.X+nodeW+margin)
		d.H = max(d.H, n.Y+nodeH+margin)
	}
	for _, t := range shelter.Transitions {
		a, b := pos[t.From], pos[t.To]
		e := diagramEdge{T: t}
		ax, bx := a.X+nodeW/2, b.X+nodeW/2 // centres
		switch {
		case b.X > a.X: // forward: right side to left side
			x1, y1 := a.X+nodeW, a.Y+nodeH/2
			x2, y2 := b.X, b.Y+nodeH/2
			mx := (x1 + x2) / 2
			e.Path = fmt.Sprintf("M%d %d C%d %d, %d %d, %d %d", x1, y1, mx, y1, mx, y2, x2-6, y2)
		case a.Y == b.Y: // backward in one row: an arc above both
			x1, x2, y := ax-20, bx+20, a.Y
			e.Path = fmt.Sprintf("M%d %d C%d %d, %d %d, %d %d", x1, y, x1, y-44, x2, y-44, x2, y-6)
		case a.Y > b.Y: // from a lower row up: top to bottom, through the gap between rows
			x1, y1, x2, y2 := ax+20, a.Y, bx+20, b.Y+nodeH
			e.Path = fmt.Sprintf("M%d %d C%d %d, %d %d, %d %d", x1, y1, x1, y1-rowGap/2, x2, y2+rowGap/2, x2, y2+6)
		default: // down a row (or a column): bottom to top
			x1, y1, x2, y2 := ax-20, a.Y+nodeH, bx-20, b.Y
			e.Path = fmt.Sprintf("M%d %d C%d %d, %d %d, %d %d", x1, y1, x1, y1+rowGap/2, x2, y2-rowGap/2, x2, y2-6)
		}
		d.Edges = append(d.Edges, e)
	}
	return d
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
	case t.Trigger == shelter.TriggerFeedingReminderCompleted:
		return "Automatic, once the feeding reminder is set"
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
